// PolytopeBuiltins module.
