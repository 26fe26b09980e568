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

/* The API client commands live in kensa-net, which alone loads libcurl. */
const char cmd_findings_help[] = "usage: kensa findings list [--severity S]... [--status S] "
                                 "[--vulnerability ID] [--resource ID] [--filter JSON] "
                                 "[--max N] [--json]\n";
const char cmd_push_help[] = "usage: kensa push TARGET [--resource ID] [--type T] [--tag K=V]...\n";
const char cmd_report_help[] = "usage: kensa report [--format CSV|JSON] [--filter JSON] [-o FILE]\n";
const char cmd_filters_help[] = "usage: kensa filters list|create NAME|update ID|delete ID "
                                "[--action NONE|SUPPRESS] [--reason TEXT] [--filter JSON] "
                                "[--json]\n";

int cmd_findings(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-net", argc, argv);
}

int cmd_push(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-net", argc, argv);
}

int cmd_report(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-net", argc, argv);
}

int cmd_filters(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-net", argc, argv);
}
