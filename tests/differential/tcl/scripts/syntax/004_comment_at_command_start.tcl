# a comment
puts one ;# trailing comment after semicolon
  # indented comment
puts two
	# tab-indented comment
puts three
