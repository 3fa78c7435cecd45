catch {lsort -index 2 {{a b} {c d}}} m; puts $m
catch {lsort -index -1 {{a b} {c d}}} m; puts $m
catch {lsort -index end+1 {{a b} {c d}}} m; puts $m
catch {lsearch -index 2 {{a b} {c d}} x} m; puts $m
