// KindLinear: built-in layer kind.
