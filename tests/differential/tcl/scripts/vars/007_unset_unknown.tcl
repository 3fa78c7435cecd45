unset nosuch
