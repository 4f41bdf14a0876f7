// PolytopeIO module.
