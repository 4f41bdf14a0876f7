// PolytopeCodes module.
