module fednode.local/apiserver-proxy

go 1.26
