package dev.serverlesskit.app.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** A Lambda context with a fresh request id. */
public final class FakeContext implements Context {
    private final String requestId;
    private int remainingMillis = 30_000;
    private int readsBeforeLate = Integer.MAX_VALUE;
    private int lateMillis;
    /** Reads of the time left so far: the click processor reads it from several threads at once. */
    private final AtomicInteger reads = new AtomicInteger();

    public FakeContext() {
        this("req-" + UUID.randomUUID());
    }

    public FakeContext(String requestId) {
        this.requestId = requestId;
    }

    @Override public String getAwsRequestId() { return requestId; }
    @Override public String getLogGroupName() { return "/aws/lambda/serverless-kit-test"; }
    @Override public String getLogStreamName() { return "test"; }
    @Override public String getFunctionName() { return "serverless-kit-test"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() {
        return "arn:aws:lambda:eu-west-1:000000000000:function:serverless-kit-test";
    }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return reads.getAndIncrement() < readsBeforeLate ? remainingMillis : lateMillis; }

    /** The time left of the invocation, as Lambda reports it (30 s unless set). */
    public FakeContext remaining(int millis) {
        this.remainingMillis = millis;
        return this;
    }

    /** After the handler has read the time left {@code reads} times, it reports {@code millis} from then on. */
    public FakeContext runningLateAfter(int reads, int millis) {
        this.readsBeforeLate = reads;
        this.lateMillis = millis;
        return this;
    }
    @Override public int getMemoryLimitInMB() { return 1024; }
    @Override public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.println(message); }
            @Override public void log(byte[] message) { System.out.println(new String(message, StandardCharsets.UTF_8)); }
        };
    }
}
