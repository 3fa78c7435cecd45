foreach p {/a/b/c.txt a/b a / /a a/b/ "" ./x ../x/y} {
    puts "[list $p] -> [file dirname $p]"
}
