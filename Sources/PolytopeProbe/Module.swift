// PolytopeProbe module.
