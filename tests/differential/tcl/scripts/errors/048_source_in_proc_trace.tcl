proc f {} { source 044_helper_bad.inc }
f
