puts [string trim "--==abc==--" "-="]
puts [string trimleft "0001230" 0]
puts [string trimright "1.5000" 0]
puts [string trim "aaa" a]
