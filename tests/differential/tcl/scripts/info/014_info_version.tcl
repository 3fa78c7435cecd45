puts [info version]
puts [info patchlevel]
