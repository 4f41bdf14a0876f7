// KindLayerNorm: built-in layer kind.
