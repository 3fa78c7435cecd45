puts [regsub a banana X]
puts [regsub -all a banana X]
puts [regsub x abc y]
puts [regsub -nocase A banana X]
