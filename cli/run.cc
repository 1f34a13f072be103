#include <CLI/CLI.hpp>
#include <ostream>

#include "cli/client_util.h"
#include "cli/commands.h"
#include "cli/fixtures_cmds.h"
#include "eventfabric_version.h"

namespace eventfabric::cli {

int run(int argc, char** argv, io streams) {
  CLI::App app{
      "eventfabric: a local emulator of the event platform's fabric (Kafka-style topics,\n"
      "RabbitMQ-style queues, a schema registry) and a contract-test harness."};
  app.set_version_flag("--version", std::string("eventfabric ") + EVENTFABRIC_VERSION);
  app.require_subcommand(1);
  app.footer("Run 'eventfabric <command> --help' for the options of a command.");
  int exit_code = 0;
  add_serve(app, streams, exit_code);
  add_envelope(app, streams, exit_code);
  add_store(app, streams, exit_code);
  add_schema(app, streams, exit_code);
  add_topic_clients(app, streams, exit_code);
  add_queue_clients(app, streams, exit_code);
  add_test(app, streams, exit_code);
  add_record(app, streams, exit_code);
  add_replay(app, streams, exit_code);
  add_fixtures(app, streams, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    streams.out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp& e) {
    streams.out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    streams.out << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    // Subcommand help arrives here as CallForHelp from the subcommand's own app.
    if (e.get_exit_code() == 0) {
      return app.exit(e, streams.out, streams.err);
    }
    streams.err << "eventfabric: " << e.what() << "\n"
                << "Run 'eventfabric --help' (or '<command> --help') for usage.\n";
    return 2;
  } catch (const std::exception& e) {
    streams.err << "eventfabric: " << e.what() << "\n";
    return 2;
  }
  return exit_code;
}

}  // namespace eventfabric::cli
