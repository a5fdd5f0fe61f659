import {
  Content,
  Header,
  HeaderGlobalAction,
  HeaderGlobalBar,
  HeaderMenuItem,
  HeaderName,
  HeaderNavigation,
  SkipToContent,
} from '@carbon/react';
import { Logout } from '@carbon/react/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type Credentials, storeCredentials, storedCredentials } from './api/auth.ts';
import { onUnauthorized, type RuntimeConfig } from './api/http.ts';
import { BatchDetails } from './batches/BatchDetails.tsx';
import { BatchList } from './batches/BatchList.tsx';
import { InstanceView } from './batches/InstanceView.tsx';
import { LoginForm } from './components/LoginForm.tsx';
import { href, useRoute } from './router.ts';
import { Wizard } from './wizard/Wizard.tsx';

export function App({ config }: { config: RuntimeConfig }) {
  const route = useRoute();
  const queryClient = useQueryClient();
  const [credentials, setCredentials] = useState<Credentials | undefined>(storedCredentials);
  const [loginMessage, setLoginMessage] = useState<string>();

  useEffect(
    () =>
      onUnauthorized(() => {
        storeCredentials(undefined);
        setCredentials(undefined);
        setLoginMessage('The API did not accept these credentials (401): sign in again.');
      }),
    [],
  );

  if (!credentials)
    return (
      <LoginForm
        auth={config.auth}
        message={loginMessage}
        onSignIn={(signedIn) => {
          storeCredentials(signedIn);
          queryClient.clear();
          setLoginMessage(undefined);
          setCredentials(signedIn);
        }}
      />
    );

  return (
    <>
      <Header aria-label="Batch operations">
        <SkipToContent />
        <HeaderName href="#/batches" prefix="Camunda">
          Batch operations
        </HeaderName>
        <HeaderNavigation aria-label="Views">
          <HeaderMenuItem
            href={href({ view: 'batches', page: 1, type: '', state: '' })}
            isActive={route.view === 'batches' || route.view === 'batch'}
          >
            Batches
          </HeaderMenuItem>
          <HeaderMenuItem href={href({ view: 'new' })} isActive={route.view === 'new'}>
            New batch
          </HeaderMenuItem>
        </HeaderNavigation>
        <HeaderGlobalBar>
          <span className="header__user">
            {credentials.kind === 'basic' ? credentials.username : 'token'}
          </span>
          <HeaderGlobalAction
            aria-label="Sign out"
            tooltipAlignment="end"
            onClick={() => {
              storeCredentials(undefined);
              queryClient.clear();
              setCredentials(undefined);
            }}
          >
            <Logout size={20} />
          </HeaderGlobalAction>
        </HeaderGlobalBar>
      </Header>
      <Content id="main-content" className="content">
        {route.view === 'new' && <Wizard />}
        {route.view === 'batches' && <BatchList route={route} />}
        {route.view === 'batch' && <BatchDetails batchOperationKey={route.key} />}
        {route.view === 'instance' && <InstanceView processInstanceKey={route.key} />}
      </Content>
    </>
  );
}
