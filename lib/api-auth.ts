import { CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The scope the Cognito app client's tokens carry (a resource server of the pool). */
export const COGNITO_SCOPE = 'batch-operations/api';

/**
 * Who may call the HTTP API on AWS: bearer JWTs of one issuer for one audience, checked by API
 * Gateway's JWT authorizer (docs/security.md). Either stack parameters name an existing issuer
 * (`JwtIssuer`, `JwtAudience`: Auth0, Entra ID, Keycloak, Camunda's own identity), or, with the context
 * `-c cognito=true`, the stack creates a Cognito user pool with an app client for client credentials,
 * so the Camunda SDK's `OAUTH` strategy works with the client id and secret. Administrators (every
 * permission) are the principals and groups of `AdminPrincipals` and `AdminGroups`; the Cognito app
 * client is one.
 */
export class ApiAuth extends Construct {
  readonly issuer: string;
  readonly audience: string[];
  /** The functions' settings (functions/commons/config.ts): who is an administrator. */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: { cognito: boolean }) {
    super(scope, id);
    const admins = new CfnParameter(scope, 'AdminPrincipals', {
      type: 'String',
      default: '',
      description:
        'Comma-separated users or client ids (the token claims sub / client_id) with every permission',
    });
    const adminGroups = new CfnParameter(scope, 'AdminGroups', {
      type: 'String',
      default: '',
      description: 'Comma-separated groups (the groups claim) with every permission',
    });
    const adminPrincipals = [admins.valueAsString];
    if (props.cognito) {
      const pool = new cognito.UserPool(this, 'UserPool', { removalPolicy: RemovalPolicy.RETAIN });
      const resourceServer = pool.addResourceServer('Api', {
        identifier: COGNITO_SCOPE.split('/')[0],
        scopes: [{ scopeName: COGNITO_SCOPE.split('/')[1], scopeDescription: 'The batch operations API' }],
      });
      const domain = pool.addDomain('Domain', {
        cognitoDomain: {
          domainPrefix: Fn.join('-', ['batchops', Fn.select(2, Fn.split('/', Stack.of(this).stackId))]),
        },
      });
      const client = pool.addClient('ApiClient', {
        generateSecret: true,
        oAuth: {
          flows: { clientCredentials: true },
          scopes: [
            cognito.OAuthScope.resourceServer(resourceServer, {
              scopeName: COGNITO_SCOPE.split('/')[1],
              scopeDescription: 'The batch operations API',
            }),
          ],
        },
        accessTokenValidity: Duration.hours(1),
      });
      this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${pool.userPoolId}`;
      // Cognito's access tokens carry `client_id`, which the JWT authorizer matches against the audience.
      this.audience = [client.userPoolClientId];
      adminPrincipals.push(client.userPoolClientId);
      new CfnOutput(this, 'TokenUrl', {
        value: `${domain.baseUrl()}/oauth2/token`,
        description: 'OAuth token endpoint (client credentials) for CAMUNDA_OAUTH_URL',
      });
      new CfnOutput(this, 'ClientId', {
        value: client.userPoolClientId,
        description: 'App client id (its secret: aws cognito-idp describe-user-pool-client)',
      });
      new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
    } else {
      this.issuer = new CfnParameter(scope, 'JwtIssuer', {
        type: 'String',
        description:
          'Issuer (iss) of the bearer tokens the API accepts, e.g. https://login.example.com/realms/camunda',
      }).valueAsString;
      this.audience = new CfnParameter(scope, 'JwtAudience', {
        type: 'CommaDelimitedList',
        description: 'Audiences (aud or client_id) the tokens must carry',
      }).valueAsList;
    }
    this.environment = {
      AUTH_ADMIN_USERS: Fn.join(',', adminPrincipals),
      AUTH_ADMIN_GROUPS: adminGroups.valueAsString,
      // The embedded run's demo admin role does not exist on AWS.
      AUTH_ADMIN_ROLES: '',
    };
  }
}
