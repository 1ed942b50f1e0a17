module kthw.local/pause

go 1.26
