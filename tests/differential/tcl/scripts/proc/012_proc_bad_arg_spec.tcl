proc bad {{a 1 2}} {}
