package dev.serverlesskit.bench.synth;

import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.sqs.Queue;

/**
 * The synthesis floor: a CDK app with one stack holding one queue, synthesized by plain {@code java -cp} (JVM start,
 * jsii runtime start, aws-cdk-lib load, one tiny synth). What any CDK Java app pays before its own constructs.
 * Args: the output directory.
 */
public final class OneQueueApp {
    private OneQueueApp() {
    }

    public static void main(String[] args) {
        App app = new App(AppProps.builder().outdir(args[0]).build());
        Stack stack = new Stack(app, "Floor");
        Queue.Builder.create(stack, "Queue").build();
        app.synth();
    }
}
