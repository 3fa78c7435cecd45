foreach s {abc xyz aXb a} {
    puts [switch -glob -- $s {
        a?b {set r q}
        a*  {set r star}
        default {set r none}
    }]
}
