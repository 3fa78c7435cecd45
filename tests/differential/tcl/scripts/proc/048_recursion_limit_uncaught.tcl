proc down {} { down }
down
