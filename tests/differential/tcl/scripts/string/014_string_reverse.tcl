puts [string reverse abc]
puts "<[string reverse ""]>"
puts [string reverse "a b"]
puts [string reverse [string reverse hello]]
