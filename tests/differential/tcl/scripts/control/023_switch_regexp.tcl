foreach s {abc a1c zzz} {
    puts [switch -regexp $s {
        {^a[0-9]c$} {set r digit}
        {^a.c$} {set r any}
        default {set r other}
    }]
}
