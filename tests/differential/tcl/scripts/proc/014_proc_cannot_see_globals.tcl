set secret 42
proc peek {} { return $secret }
peek
