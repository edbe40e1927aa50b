package org.veriflow.bench.jmh;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the core micro-benchmarks of this package with short settings, so that the suite finishes in
 * a few minutes: 1 fork, 2 warm-up iterations of 1 s, 3 measurement iterations of 1 s. Any JMH
 * command-line option overrides these defaults, for instance {@code -f 3 -wi 5 -i 10} for a run
 * worth publishing, a regular expression to select benchmarks, or {@code -rf json -rff out.json} to
 * keep the results.
 */
public final class RunBenchmarks {
  private RunBenchmarks() {}

  public static void main(String[] args) throws RunnerException, CommandLineOptionException, IOException {
    CommandLineOptions cli = new CommandLineOptions(args);
    if (cli.shouldHelp()) {
      cli.showHelp();
      return;
    }
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
    if (cli.getIncludes().isEmpty()) {
      options.include(RunBenchmarks.class.getPackageName() + "\\..*Benchmark\\..*");
    }
    if (cli.shouldList()) {
      new Runner(options.build()).list();
      return;
    }
    if (!cli.shouldFailOnError().hasValue()) {
      // a benchmark that throws (a proof that stops verifying, say) must fail the run, not vanish
      options.shouldFailOnError(true);
    }
    if (!cli.getForkCount().hasValue()) {
      options.forks(1);
    }
    if (!cli.getWarmupIterations().hasValue()) {
      options.warmupIterations(2);
    }
    if (!cli.getWarmupTime().hasValue()) {
      options.warmupTime(TimeValue.seconds(1));
    }
    if (!cli.getMeasurementIterations().hasValue()) {
      options.measurementIterations(3);
    }
    if (!cli.getMeasurementTime().hasValue()) {
      options.measurementTime(new TimeValue(1, TimeUnit.SECONDS));
    }
    new Runner(options.build()).run();
  }
}
