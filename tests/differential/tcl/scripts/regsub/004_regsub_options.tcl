puts [regsub -start 2 a banana X]
puts [regsub -all {\d+} "a1b22c333" N]
puts [regsub -line -all {^} "a\nb" >]
puts [regsub -all {} abc -]
