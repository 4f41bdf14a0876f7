// PolytopeImport module.
