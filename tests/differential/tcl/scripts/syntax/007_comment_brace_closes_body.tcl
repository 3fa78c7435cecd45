proc f {} {
    # a comment with a brace } inside a proc body is still counted
    return ok
}
puts "defined"
