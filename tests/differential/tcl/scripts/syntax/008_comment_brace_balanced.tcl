proc f {} {
    # braces {in} comments are balanced here
    return [list ok]
}
puts [f]
