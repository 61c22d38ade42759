module skranke

go 1.26.8
