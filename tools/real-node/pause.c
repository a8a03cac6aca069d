/*
 * The sandbox ("pause") process of fednode's real test node: PID 1 of every Pod's sandbox. It
 * holds the Pod's namespaces, reaps the zombies of processes that share its PID namespace, and
 * exits on SIGINT/SIGTERM. Built statically by tools/real-node-images.sh and packed as the image
 * fednode.local/pause:1 (no registry can be reached here, so no upstream pause image).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) {
    (void)sig;
    _exit(0);
}

static void reap(int sig) {
    (void)sig;
    int saved = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        puts("fednode-pause 1");
        return 0;
    }
    if (getpid() != 1) {
        fprintf(stderr, "fednode-pause: warning: not PID 1\n");
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stop;
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
        return 1;
    }
    sa.sa_handler = reap;
    sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
    if (sigaction(SIGCHLD, &sa, NULL) < 0) {
        return 2;
    }
    for (;;) {
        pause();
    }
}
