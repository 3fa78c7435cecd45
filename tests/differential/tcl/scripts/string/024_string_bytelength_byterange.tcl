puts [string bytelength abc]
puts [string byterange hello 1 2]
puts [string bytelength "\u00e9"]
