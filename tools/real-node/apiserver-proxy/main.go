// apiserver-proxy forwards TCP connections from one local address to another. The real node of
// fednode's local cluster uses it to make kube-apiserver, which kwokctl's binary runtime binds to
// 127.0.0.1, reachable at the host end of the node's veth (10.213.X.1, same port), where the
// kubelet, kube-proxy, kube-router and Pods (through the kubernetes Service) connect. TLS passes
// through untouched. Built by tools/build-k8s.sh; started and stopped by tools/real-node.sh.
//
//	apiserver-proxy -listen 10.213.0.1:32764 -to 127.0.0.1:32764 [-tag TEXT]
package main

import (
	"flag"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "", "address to listen on (host:port)")
	to := flag.String("to", "", "address to forward to (host:port)")
	flag.String("tag", "", "ignored; shows in the process list (the work directory)")
	flag.Parse()
	if *listen == "" || *to == "" {
		flag.Usage()
		os.Exit(2)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("listen %s: %v", *listen, err)
	}
	log.Printf("forwarding %s -> %s", *listen, *to)
	go func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
		<-c
		l.Close()
		os.Exit(0)
	}()
	for {
		in, err := l.Accept()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			log.Fatalf("accept: %v", err)
		}
		go forward(in, *to)
	}
}

func forward(in net.Conn, to string) {
	defer in.Close()
	out, err := net.DialTimeout("tcp", to, 10*time.Second)
	if err != nil {
		log.Printf("dial %s: %v", to, err)
		return
	}
	defer out.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(out, in)
	go pipe(in, out)
	<-done
	<-done
}
