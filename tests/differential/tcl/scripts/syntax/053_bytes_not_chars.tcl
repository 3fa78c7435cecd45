# Debian's jimsh 0.81 is built without UTF-8 support: length counts bytes.
puts [string length "\u00e9"]
puts [string length "\xe9"]
puts [string length "\u20ac"]
