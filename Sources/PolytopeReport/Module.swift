// PolytopeReport module.
