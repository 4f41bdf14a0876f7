// PolytopeTokenizers module.
