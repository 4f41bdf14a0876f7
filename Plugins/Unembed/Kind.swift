// KindUnembed: built-in layer kind.
