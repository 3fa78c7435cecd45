error "unbalanced \{ and \} and \[ ok"
