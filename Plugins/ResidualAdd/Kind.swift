// KindResidualAdd: built-in layer kind.
