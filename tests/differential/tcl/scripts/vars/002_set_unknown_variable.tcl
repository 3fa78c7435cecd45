set nosuch
