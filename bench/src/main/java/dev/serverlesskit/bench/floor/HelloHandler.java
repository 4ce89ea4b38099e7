package dev.serverlesskit.bench.floor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** The bare hello world: what the JVM and the handler contract cost with no SDK at all. */
public class HelloHandler implements RequestHandler<Object, String> {
    @Override
    public String handleRequest(Object event, Context context) {
        return "hello";
    }
}
