// KindAttention: built-in layer kind.
