puts "\u{41}\u{62}"
