package dev.serverlesskit.constructs;

import java.util.Set;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.constructs.IConstruct;

/**
 * A user pool whose tokens a {@link ServerlessApi} accepts, with the groups its routes may require: a
 * {@link UserDirectory}, or an existing pool imported with {@link UserDirectory#fromUserPool}.
 */
public interface IUserDirectory extends IConstruct {
    IUserPool getUserPool();

    /** The names of the pool's groups that routes may require. */
    Set<String> getGroupNames();
}
