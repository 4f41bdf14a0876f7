// PolytopeModel module.
