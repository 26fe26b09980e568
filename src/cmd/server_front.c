/* cmd/server_front.c - `kensa server` in the kensa front: the server lives in
 * the kensa-server helper, which alone loads libmicrohttpd. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

const char cmd_server_help[] = "usage: kensa server [--listen ADDR:PORT] [--store FILE]\n"
                               "       kensa server init [--store FILE] [--name NAME]\n";

int cmd_server(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-server", argc, argv);
}
