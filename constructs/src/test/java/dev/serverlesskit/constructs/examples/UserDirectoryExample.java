package dev.serverlesskit.constructs.examples;

import dev.serverlesskit.constructs.UserDirectory;
import dev.serverlesskit.constructs.UserDirectoryProps;
import java.util.List;
import software.constructs.Construct;

/** A user pool with one group. */
public final class UserDirectoryExample {
    private UserDirectoryExample() {
    }

    public static UserDirectory define(Construct scope) {
        // example:start
        UserDirectory users = new UserDirectory(scope, "Users", UserDirectoryProps.builder()
                .groups(List.of("admins"))
                .build());
        // Routes: RouteAccess.authenticated(), RouteAccess.groups(users.group("admins"))
        // example:end
        return users;
    }
}
