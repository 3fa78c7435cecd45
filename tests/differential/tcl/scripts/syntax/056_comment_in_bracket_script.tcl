puts [
    # comment inside a command substitution
    list a b
]
