# \U takes up to eight hex digits; this build of jimsh stores strings as bytes.
puts [string length "\U00000041"]
puts "\U41"
