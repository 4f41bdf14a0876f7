// PolytopeClustering module.
