error "first line
second line"
