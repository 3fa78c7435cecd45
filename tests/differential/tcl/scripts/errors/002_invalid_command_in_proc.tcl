proc f {} { undefined_thing }
f
